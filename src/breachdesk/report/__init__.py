"""The incident report: what a DPO and the ICO need, as HTML and PDF, with charts."""
