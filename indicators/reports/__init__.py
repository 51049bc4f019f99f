"""The plan-implementation assessment report: frozen snapshot, sentences, figures, the three writers and its pages."""
