"""Pages of the intake app: public filing and tracking, the supervisor's triage, disclosure."""
