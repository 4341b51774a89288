/** A link probe over the IEEE local-experimental EtherType: echoes with byte checks, for the demo and tests. */
package io.ustack.runtime.probe;
