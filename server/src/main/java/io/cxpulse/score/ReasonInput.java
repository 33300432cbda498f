package io.cxpulse.score;

/**
 * The tallies of one reason item: how many promoters, passives and detractors selected it.
 *
 * @param parent the level-1 item this one refines, or null for a level-1 item
 */
public record ReasonInput(String code, String parent, long promoters, long passives, long detractors) {
}
