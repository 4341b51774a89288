/**
 * TCP segmentation offload on the network layer's side: cutting one large TCP datagram into the segments TCP would
 * have sent one by one, when the link's device cannot (Linux's generic segmentation offload), and the checks every
 * such datagram must pass first.
 */
package io.ustack.ip.offload;
