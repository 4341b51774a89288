/**
 * {@code ustack bench}: end-to-end benchmarks between two ustack stacks over the in-memory wire, run as a matrix of
 * configurations (threading mode, ring, idle strategy, MTU, congestion control, Nagle, ACK policy), plus memory per
 * idle connection and garbage during a long transfer; results as JSON, a Markdown table and an SVG plot.
 */
package io.ustack.cli.bench;
