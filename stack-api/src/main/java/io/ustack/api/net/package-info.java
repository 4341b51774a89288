/** Address types and helpers (MAC, IPv4) that keep the data path free of per-packet objects. */
package io.ustack.api.net;
