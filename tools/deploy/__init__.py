"""The deploy test: images built here, compose.yaml's topology started, loaded and broken on purpose."""
