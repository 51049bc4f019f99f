"""The plan-implementation assessment report: frozen snapshot, sentences, figures and the three writers."""
