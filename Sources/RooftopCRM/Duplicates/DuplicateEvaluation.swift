/// Pairwise quality of duplicate detection against labelled truth: precision, recall and F1 over
/// all pairs of records that are one person (Christen, "Data Matching", Springer 2012, ch. 7).
public struct DuplicateEvaluation: Sendable {
    /// Quality at one threshold.
    public struct Quality: Sendable {
        public var threshold: Double
        /// Pairs predicted (probability ≥ threshold).
        public var predicted: Int
        /// Predicted pairs that are one person.
        public var truePositives: Int
        /// All pairs of records that are one person.
        public var truePairs: Int
        public var precision: Double { predicted == 0 ? 1 : Double(truePositives) / Double(predicted) }
        public var recall: Double { truePairs == 0 ? 1 : Double(truePositives) / Double(truePairs) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    /// Pairs of records that are one person.
    public let truePairs: Int
    private let entity: [String: String]

    /// - Parameter entityByRecord: customer id → the person's label, for every record of the file.
    public init(entityByRecord: [String: String]) {
        entity = entityByRecord
        var sizes: [String: Int] = [:]
        for label in entityByRecord.values { sizes[label, default: 0] += 1 }
        truePairs = sizes.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    }

    /// How many of `pairs` are one person (over all compared pairs: the recall blocking allows).
    public func matches(_ pairs: [DuplicateDetector.Pair]) -> Int { pairs.filter { isMatch($0.a, $0.b) }.count }

    /// True when both ids are labelled the same person.
    public func isMatch(_ a: String, _ b: String) -> Bool {
        guard let x = entity[a], let y = entity[b] else { return false }
        return x == y
    }

    /// Quality of the auto-merge class (``MatchScore/isConfident``: the threshold and the
    /// more-than-a-name rule), the pairs a create refuses and an import attaches to.
    public func autoMergeQuality(_ pairs: [DuplicateDetector.Pair]) -> Quality {
        let predicted = pairs.filter(\.isConfident)
        return Quality(threshold: DuplicateDetector.autoMergeProbability, predicted: predicted.count,
                       truePositives: predicted.filter { isMatch($0.a, $0.b) }.count, truePairs: truePairs)
    }

    /// Quality of the pairs at or above `threshold` (posterior probability).
    public func quality(_ pairs: [DuplicateDetector.Pair], threshold: Double) -> Quality {
        let predicted = pairs.filter { $0.score.probability >= threshold }
        return Quality(threshold: threshold, predicted: predicted.count, truePositives: predicted.filter { isMatch($0.a, $0.b) }.count,
                       truePairs: truePairs)
    }
}
