"""Pure extraction of draft entries from article text: figures, claimants, dates, vocabulary."""
