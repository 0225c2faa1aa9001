"""Statistics monitoring (统计监测体系): indicator catalogue, event-fed facts, figures and targets."""
