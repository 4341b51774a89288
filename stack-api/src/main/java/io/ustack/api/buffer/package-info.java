/** Off-heap packet buffers shared by the layers and named by id in descriptors. */
package io.ustack.api.buffer;
