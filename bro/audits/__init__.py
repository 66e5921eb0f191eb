"""Audits of service interactions: recording, revisions, disputes, outcomes, calibration, the retraining loop."""
