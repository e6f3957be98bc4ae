import RooftopStore

/// How the check on create does on a labelled file: each record checked, in file order, against the
/// records before it, as if staff typed the file in one record at a time (the duplicates a create
/// would refuse and an import would attach).
public struct CheckOnCreateEvaluation: Sendable, Equatable {
    /// Records checked.
    public var records = 0
    /// Records with an earlier record of the same person: the ones the check should refuse.
    public var typedAgain = 0
    /// Records the check refused (a confident match among the earlier records).
    public var refused = 0
    /// Refused records whose most probable earlier match is the same person.
    public var caught = 0
    /// Share of the records typed again that were caught (1 when none was typed again).
    public var recall: Double { typedAgain == 0 ? 1 : Double(caught) / Double(typedAgain) }
    /// Share of the refusals that named the same person (1 when nothing was refused).
    public var precision: Double { refused == 0 ? 1 : Double(caught) / Double(refused) }
}

extension CRMService {
    /// Runs the check on create (``duplicates(of:excluding:model:_:)``) for every customer of
    /// `order`, counting only matches among the customers before it in `order`. An approximation of
    /// typing the file in one record at a time: every record is already stored, so later records can
    /// take places in the check's bounded lookups (which can only lower the recall measured), and a
    /// stored record's VINs are compared (a create has none).
    /// - Parameters:
    ///   - order: customer ids in the order they were typed (a labelled file's order); ids not
    ///     stored are skipped.
    ///   - entityByCustomer: customer id → the person's label.
    ///   - progress: called with (done, total) every 500 records.
    /// - Throws: database errors.
    public func evaluateCheckOnCreate(order: [String], entityByCustomer: [String: String],
                                      progress: ((Int, Int) -> Void)? = nil) throws -> CheckOnCreateEvaluation {
        let model = try duplicateModel()
        let inputs = Dictionary(try matchInputs().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stored = order.filter { inputs[$0] != nil }
        var position: [String: Int] = [:]
        for (i, id) in stored.enumerated() where position[id] == nil { position[id] = i }
        var result = CheckOnCreateEvaluation()
        var seen = Set<String>()
        try replica.snapshot { tx in
            for (i, id) in stored.enumerated() {
                if i % 500 == 0 { progress?(i, stored.count) }
                let entity = entityByCustomer[id]
                result.records += 1
                if let entity, seen.contains(entity) { result.typedAgain += 1 }
                if let entity { seen.insert(entity) }
                let earlier = try Self.duplicates(of: inputs[id]!, excluding: id, model: model, tx)
                    .filter { $0.isConfident && (position[$0.customerId] ?? .max) < i }
                guard let best = earlier.first else { continue }
                result.refused += 1
                if entity != nil, entityByCustomer[best.customerId] == entity { result.caught += 1 }
            }
        }
        progress?(stored.count, stored.count)
        return result
    }
}
