"""The review desk (mesa de control): supports that people at the institute decide."""
