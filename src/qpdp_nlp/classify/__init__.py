"""What rules cannot settle, decided by small linear models shipped as JSON.

- :mod:`.relevance` — is an article about local defence, and which topic;
- :mod:`.indicators` — which indicator a count measures (a cue table first, then a model);
- :mod:`.training` — rebuilds every shipped model (``qpdp train``).
"""

from .relevance import Prediction, predict

__all__ = ["Prediction", "predict"]
