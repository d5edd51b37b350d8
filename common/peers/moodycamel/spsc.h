/*
 * common/peers/moodycamel/spsc.h: moodycamel::ReaderWriterQueue
 * (libreaderwriterqueue-dev), through the C++ adapter beside this file.
 * No bulk API.
 */
#ifndef SPSC_H
#define SPSC_H
#define SPSC_STAGE_NAME "peer-moodycamel"
#include "../peer.h"
#endif
