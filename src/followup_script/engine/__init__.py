"""Pure decisions: the model (stages, outcomes, history, plan), the rules and the date words. No I/O."""
