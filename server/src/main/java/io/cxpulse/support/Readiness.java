package io.cxpulse.support;

/** What /health/ready reports besides the database: flags set by the verticles that own them. */
public final class Readiness {
  private volatile boolean countersLoaded;
  private volatile boolean shuttingDown;

  public boolean countersLoaded() { return countersLoaded; }
  public void countersLoaded(boolean value) { countersLoaded = value; }
  public boolean shuttingDown() { return shuttingDown; }
  public void shuttingDown(boolean value) { shuttingDown = value; }
}
