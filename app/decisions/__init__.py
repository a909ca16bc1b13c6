"""Recorded jäv decisions (KL 6 kap. 30 §, FL 18 §) and which findings they settle."""
