import Foundation

extension MatchModel {
    /// The levels of a pair in ``MatchField/allCases`` order (``compare(_:_:)`` without the dictionary).
    static func levelList(_ a: MatchRecord, _ b: MatchRecord) -> [MatchLevel] {
        var given = FieldComparator.given(a, b), surname = FieldComparator.surname(a, b)
        if given != .exact && surname != .exact && FieldComparator.swapped(a, b) { given = .exact; surname = .exact }
        if a.isBusiness != b.isBusiness { given = .missing }
        return [given, surname, FieldComparator.birthDate(a, b), FieldComparator.email(a, b),
                FieldComparator.phone(a, b), FieldComparator.address(a, b), FieldComparator.vin(a, b)]
    }

    /// The posterior probability of a pair, exactly as ``score(_:_:)`` computes it, without building
    /// the field comparisons (the scan's inner loop; the full score is built for the pairs kept).
    func probabilityOnly(_ a: MatchRecord, _ b: MatchRecord) -> Double {
        let levels = Self.levelList(a, b)
        let household = levels[5] == .exact || levels[5] == .close || levels[4] == .partial
        var total = 0.0
        for (field, level) in zip(MatchField.allCases, levels) where level != .missing {
            let mValue = max(m[field]?[level] ?? 0.001, 0.001)
            total += log2(mValue / uValue(field, level, a, b, household: household))
        }
        return Self.probability(logOdds: log2(priorMatch / (1 - priorMatch)) + total)
    }
}
