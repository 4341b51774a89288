/** What applications hold: socket handles, address holders, ping results. */
package io.ustack.api.socket;
