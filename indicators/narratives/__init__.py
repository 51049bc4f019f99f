"""An indicator's narrative per year: 原因分析 and 下一步措施 by the office or the unit responsible, versioned."""
