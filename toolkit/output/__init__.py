"""Writing a run: tables, figures, the manifest, report.html, ldavis.html, the safe output folder."""
