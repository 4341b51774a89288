/** The Internet checksum (RFC 1071, RFC 1624): the hottest code in the stack. */
package io.ustack.ip.checksum;
