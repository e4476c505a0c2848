"""Online monitoring: HJ 212-2017 packets, readings, national standards, alerts."""
