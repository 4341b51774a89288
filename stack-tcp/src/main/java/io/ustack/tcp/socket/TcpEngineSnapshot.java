package io.ustack.tcp.socket;

/**
 * What the engine holds at one moment, read on the stack thread for leak checks and summaries.
 *
 * @param connections   connections in the table (every state but CLOSED)
 * @param blocksInUse   control blocks in use, including CLOSED ones the application still holds
 * @param timersPending timers armed
 * @param openSockets   sockets the socket layer still pumps
 */
public record TcpEngineSnapshot(int connections, int blocksInUse, int timersPending, int openSockets)
{
}
