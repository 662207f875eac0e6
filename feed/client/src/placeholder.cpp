// stream client: see stream_client.hpp (issue 3)
