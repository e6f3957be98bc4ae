import Foundation
import Synchronization

/// Finds duplicate customers among match records: blocking, Fellegi–Sunter scores, two thresholds
/// (`sync-protocol/duplicate-detection.md`).
public enum DuplicateDetector {
    /// Pairs at or above this posterior probability are one person with near-perfect precision:
    /// merged without review where the caller allows it, refused on create (409), attached to on
    /// import. The Fellegi–Sunter posterior is conservative on the pairs of one household (their
    /// fields are not independent): measured, the pairs from 0.5 up are 99.3–100% one person on FEBRL
    /// and on generated data with households (`sync-protocol/duplicate-detection.md#thresholds`).
    public static let autoMergeProbability = 0.5
    /// Pairs at or above this posterior probability (and below auto-merge) go to the review queue.
    public static let reviewProbability = 0.1

    /// A candidate pair and its score; `a` < `b`.
    public struct Pair: Sendable, Codable, Equatable {
        public var a: String
        public var b: String
        public var score: MatchScore
        /// The pair is in the auto-merge class (``MatchScore/isConfident``).
        public var isConfident: Bool { score.isConfident }
    }

    /// The result of a detection run.
    public struct Result: Sendable {
        public var model: MatchModel
        /// Candidate pairs compared.
        public var candidates: Int
        /// Pairs at or above ``reviewProbability`` (or every compared pair when asked), highest first.
        public var pairs: [Pair]
    }

    /// Detects duplicates among `records`.
    /// - Parameters:
    ///   - minimumProbability: pairs below this are not returned (default ``reviewProbability``).
    ///   - kept: the parameters of an earlier estimate to score with (see ``MatchModel/estimate(records:population:pairs:kept:)``);
    ///     nil estimates them from these records.
    ///   - progress: called with (pairs compared, total) every 10,000 pairs.
    public static func detect(_ records: [MatchRecord], minimumProbability: Double = reviewProbability, kept: MatchModel.Parameters? = nil,
                              progress: ((Int, Int) -> Void)? = nil) -> Result {
        // One order whatever the caller's, so u sampling and EM see the same sequence everywhere.
        let records = records.sorted { $0.id < $1.id }
        let candidates = Blocking.candidatePairs(records)
        let model = MatchModel.estimate(records: records, pairs: candidates, kept: kept)
        let scorer = FastScorer(model: model, records: records)
        // Scored on every core, in contiguous chunks; the result does not depend on the split.
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, candidates.count / 10_000))
        let found = Mutex<[[Pair]]>(Array(repeating: [], count: chunks))
        let done = Atomic<Int>(0)
        let size = (candidates.count + chunks - 1) / max(chunks, 1)
        // Called from one chunk only (serially); the caller's closure need not be Sendable.
        nonisolated(unsafe) let report = progress
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var local: [Pair] = []
            let range = (chunk * size)..<min(candidates.count, (chunk + 1) * size)
            for k in range {
                let (i, j) = candidates[k]
                if k % 10_000 == 0 {
                    let total = done.add(10_000, ordering: .relaxed).newValue
                    if chunk == 0 { report?(min(total, candidates.count), candidates.count) }
                }
                guard minimumProbability <= 0 || scorer.probability(i, records[i], records[j]) >= minimumProbability else { continue }
                let score = model.score(records[i], records[j])
                let (a, b) = records[i].id < records[j].id ? (records[i].id, records[j].id) : (records[j].id, records[i].id)
                local.append(Pair(a: a, b: b, score: score))
            }
            found.withLock { $0[chunk] = local }
        }
        var pairs = found.withLock { $0.flatMap { $0 } }
        progress?(candidates.count, candidates.count)
        pairs.sort { ($0.score.weight, $1.a, $1.b) > ($1.score.weight, $0.a, $0.b) }
        return Result(model: model, candidates: candidates.count, pairs: pairs)
    }
}
