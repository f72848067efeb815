"""The offline planner's reading of a message: lexicon, names, slots, dates, intent scores."""
