"""Coaching sessions: 1:1s between a supervisor and a staff member about the steps they miss."""
