package io.cxpulse.score;

/**
 * One value element rated 0–10.
 *
 * @param above7Share share of ratings 8..10 (strictly above 7), in %; null when n = 0
 * @param delivered   at least half of the ratings are above 7; null when n = 0
 */
public record ValueElementScore(String code, long n, Double above7Share, Boolean delivered) {
}
