from dataclasses import dataclass


@dataclass
class Mistral:
    """The cold north wind of the Rhone valley."""
    speed_kmh: float


gust = Mistral(speed_kmh=90)
