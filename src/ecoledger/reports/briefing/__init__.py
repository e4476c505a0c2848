"""Weekly and monthly briefings (通报): figures, charts, the Word document and its PDF."""
