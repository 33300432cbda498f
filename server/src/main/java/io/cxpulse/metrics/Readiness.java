package io.cxpulse.metrics;

/** What /health/ready reports besides the database: flags set by the verticles that own them. */
public final class Readiness {
  private volatile boolean countersLoaded;
  private volatile boolean shuttingDown;
  private volatile boolean listening = true;

  public boolean countersLoaded() { return countersLoaded; }
  public void countersLoaded(boolean value) { countersLoaded = value; }
  public boolean shuttingDown() { return shuttingDown; }
  /** False while the LISTEN connection for other nodes' increments is down. */
  public boolean listening() { return listening; }
  public void listening(boolean value) { listening = value; }
  public void shuttingDown(boolean value) { shuttingDown = value; }
}
