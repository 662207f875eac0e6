// Moved: the protocol version and the frame type names are in frames.hpp, the stream's wire
// layer; this header goes once nothing includes it.
#pragma once

#include "bcp/model/frames.hpp"
