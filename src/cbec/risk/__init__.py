"""Risk control: features, rules, scoring, sampling, the learned model and the public benchmark."""
