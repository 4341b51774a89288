/** Stack configuration and the enums that choose threading, rings and idle strategy. */
package io.ustack.api.config;
