/** The contract between a stack and the device that carries its frames. */
package io.ustack.api.link;
