"""Voice notes made on this machine: eSpeak NG speaks, libsndfile encodes OGG/Opus."""
