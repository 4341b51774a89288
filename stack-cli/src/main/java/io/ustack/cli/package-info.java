/** The {@code ustack} command. */
package io.ustack.cli;
