"""Learning activity as xAPI statements: derived from the records, stored, exported, sent to an LRS."""
