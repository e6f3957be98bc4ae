import Foundation
import RooftopModel
import RooftopStore
import Synchronization

/// What a duplicate scan did.
public struct DuplicateScanReport: Sendable, Codable, Equatable {
    /// Visible customers compared.
    public var customers: Int
    /// Candidate pairs blocking produced and scored.
    public var candidatePairs: Int
    /// Pairs in the review queue now (at or above the review threshold, not dismissed).
    public var queued: Int
    /// Of those, pairs at or above the auto-merge threshold.
    public var confident: Int
    /// Pairs left out because a reviewer dismissed them.
    public var dismissed: Int
    /// True when this scan estimated the model (the first scan, `refit`, or the customer count moved
    /// more than 10% since the kept estimate); false when it scored with the kept one.
    public var modelEstimated: Bool
}

/// An existing customer a new record would duplicate, and the score of the pair.
public struct DuplicateMatch: Sendable, Equatable {
    public var customerId: String
    public var score: MatchScore
    /// The pair is in the auto-merge class (``MatchScore/isConfident``).
    public var isConfident: Bool { score.isConfident }

    /// `{"customerId", "probability", "weight", "matched": [field], "differed": [field]}`.
    public var json: JSONValue {
        .object(["customerId": .string(customerId), "probability": .number(score.probability), "weight": .number(score.weight),
                 "matched": .array(score.fields.filter(\.agrees).map { .string($0.field.rawValue) }),
                 "differed": .array(score.fields.filter(\.differs).map { .string($0.field.rawValue) })])
    }
}

/// A pair of possible duplicates in the review queue.
public struct DuplicateCandidate: Sendable {
    /// The pair (customer ids, `a` < `b`) and its score: probability, weight, and each field's level and weight.
    public var pair: DuplicateDetector.Pair
    /// The two customers as they read now.
    public var customers: [CustomerRecord]
    /// When the scan that queued the pair ran (RFC 3339).
    public var scannedAt: String

    /// `{"customerIds": [a, b], "probability", "weight", "autoMerge": bool, "matched": [field], "differed": [field],
    ///   "fields": [{"field", "level", "weight"}], "customers": [Customer], "scannedAt"}`.
    public var json: JSONValue {
        let fields = pair.score.fields
        return .object([
            "customerIds": .array([.string(pair.a), .string(pair.b)]),
            "probability": .number(pair.score.probability), "weight": .number(pair.score.weight), "autoMerge": .bool(pair.isConfident),
            "matched": .array(fields.filter(\.agrees).map { .string($0.field.rawValue) }),
            "differed": .array(fields.filter(\.differs).map { .string($0.field.rawValue) }),
            "fields": .array(fields.filter { $0.level != .missing }.map {
                .object(["field": .string($0.field.rawValue), "level": .string($0.level.rawValue), "weight": .number($0.weight)])
            }),
            "customers": .array(customers.map(\.json)), "scannedAt": .string(scannedAt),
        ])
    }
}

/// A new customer would duplicate an existing one (`DUPLICATE_CUSTOMER`): nothing was written.
public struct DuplicateCustomerError: Error, Sendable, CustomStringConvertible {
    /// The existing customers, most probable first (each at or above the auto-merge threshold).
    public var matches: [DuplicateMatch]
    public var description: String {
        let best = matches[0]
        return "this customer looks like existing customer \(best.customerId) (probability \(best.score.probability); matched "
            + best.score.fields.filter(\.agrees).map(\.field.rawValue).joined(separator: ", ") + ")"
    }
}

extension CRMService {
    /// Creates a customer unless it confidently duplicates an existing one
    /// (`sync-protocol/duplicate-detection.md#on-the-way-in`).
    /// - Parameters:
    ///   - id: the new id (a UUIDv7 by default); an id that exists is `ALREADY_EXISTS` before any duplicate check.
    ///   - allowDuplicate: create it even so (staff know better).
    /// - Returns: the new customer's id.
    /// - Throws: ``DuplicateCustomerError`` with the candidates; as ``createCustomer(_:id:)``.
    public func createCustomer(_ input: CustomerInput, id: RowID? = nil, allowDuplicate: Bool) throws -> RowID {
        if let id, try replica.isKnown(CRMSchema.customer, id: id) {
            throw ReplicaError(.alreadyExists, "customer \(id) already exists")
        }
        if !allowDuplicate {
            let matches = try duplicatesOf(input).filter(\.isConfident)
            if !matches.isEmpty { throw DuplicateCustomerError(matches: matches) }
        }
        return try createCustomer(input, id: id)
    }

    /// Scans every visible customer for duplicates (`sync-protocol/duplicate-detection.md`) and
    /// replaces this replica's review queue (local, never replicated) with the pairs at or above
    /// ``DuplicateDetector/reviewProbability`` that no reviewer dismissed.
    ///
    /// The model's parameters are kept (local table `duplicateModel`) and reused by later scans while
    /// the customer count stays within 10% (``MatchModel/Parameters/fits(population:)``), so a merge
    /// or a few new customers move only their own pairs' scores.
    /// - Parameters:
    ///   - refit: estimate the model afresh even so.
    ///   - progress: (pairs compared, total), every 10,000 pairs.
    /// - Throws: database errors (the queue is left as it was).
    public func scanDuplicates(refit: Bool = false, progress: ((Int, Int) -> Void)? = nil) throws -> DuplicateScanReport {
        let records = try matchRecords()
        let kept = refit ? nil : try keptModelParameters().flatMap { $0.fits(population: records.count) ? $0 : nil }
        let result = DuplicateDetector.detect(records, kept: kept, progress: progress)
        Self.cacheModel(result.model, for: replica, customers: records.count)
        let scannedAt = Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try replica.transaction { tx in
            let dismissed = Set(try tx.values("SELECT customerA, customerB FROM duplicateDecision WHERE _created IS NOT NULL AND _deleted IS NULL AND dismissed = 1")
                .map { ($0[0].textValue ?? "") + ($0[1].textValue ?? "") })
            try tx.executeLocal("DELETE FROM duplicateCandidate")
            if kept == nil {
                let parameters = String(decoding: try encoder.encode(result.model.parameters), as: UTF8.self)
                try tx.executeLocal("INSERT OR REPLACE INTO duplicateModel (id, customers, parameters, estimatedAt) VALUES (1, ?, ?, ?)",
                                    arguments: [.integer(Int64(records.count)), .text(parameters), .text(scannedAt)])
            }
            var queued = 0, confident = 0, skipped = 0
            for pair in result.pairs {
                if dismissed.contains(pair.a + pair.b) { skipped += 1; continue }
                let fields = String(decoding: try encoder.encode(pair.score.fields), as: UTF8.self)
                try tx.executeLocal("INSERT INTO duplicateCandidate (a, b, probability, weight, fields, scannedAt) VALUES (?, ?, ?, ?, ?, ?)",
                                    arguments: [.text(pair.a), .text(pair.b), .real(pair.score.probability), .real(pair.score.weight), .text(fields), .text(scannedAt)])
                queued += 1
                if pair.isConfident { confident += 1 }
            }
            return DuplicateScanReport(customers: records.count, candidatePairs: result.candidates, queued: queued, confident: confident, dismissed: skipped,
                                       modelEstimated: kept == nil)
        }
    }

    /// The review queue, most probable first: pairs whose customers are both still visible, not
    /// already one customer, and not dismissed (a dismissal from any rooftop counts).
    /// - Parameters:
    ///   - limit: at most this many (1...500).
    ///   - minimumProbability: only pairs at or above this.
    ///   - customer: only pairs naming this customer (or a customer absorbed into it).
    ///   - autoMerge: only pairs in the auto-merge class (true) or only the others, the pairs a
    ///     reviewer must decide (false); nil: both.
    /// - Throws: database errors.
    public func duplicateQueue(limit: Int = CRMService.defaultLimit, minimumProbability: Double = 0, customer: RowID? = nil,
                               autoMerge: Bool? = nil) throws -> [DuplicateCandidate] {
        try replica.snapshot { tx in
            var sql = """
                SELECT c.a, c.b, c.scannedAt FROM duplicateCandidate c
                WHERE c.probability >= ?
                  AND NOT EXISTS (SELECT 1 FROM duplicateDecision d WHERE d.customerA = c.a AND d.customerB = c.b
                                  AND d._created IS NOT NULL AND d._deleted IS NULL AND d.dismissed = 1)
                """
            var arguments: [FieldValue] = [.real(minimumProbability)]
            if let customer {
                sql += " AND (c.a = ? OR c.b = ?)"
                arguments += [.text(customer.string), .text(customer.string)]
            }
            sql += " ORDER BY c.probability DESC, c.a, c.b"
            var result: [DuplicateCandidate] = []
            for row in try tx.values(sql, arguments: arguments) {
                guard result.count < limit else { break }
                guard let a = row[0].textValue.flatMap(RowID.init), let b = row[1].textValue.flatMap(RowID.init),
                      let scannedAt = row[2].textValue else { continue }
                // Both visible, and not merged into one customer since the scan.
                guard let first = try? tx.visibleRow(CRMSchema.customer, id: a), let second = try? tx.visibleRow(CRMSchema.customer, id: b),
                      first.id == a, second.id == b else { continue }
                guard let score = try Self.storedScore(tx, a: a, b: b) else { continue }
                let pair = DuplicateDetector.Pair(a: a.string, b: b.string, score: score)
                if let autoMerge, pair.isConfident != autoMerge { continue }
                result.append(DuplicateCandidate(pair: pair, customers: try tx.customers(ids: [a, b]), scannedAt: scannedAt))
            }
            return result
        }
    }

    static func storedScore(_ tx: StoreTransaction, a: RowID, b: RowID) throws -> MatchScore? {
        guard let row = try tx.values("SELECT probability, weight, fields FROM duplicateCandidate WHERE a = ? AND b = ?",
                                      arguments: [.text(a.string), .text(b.string)]).first,
              case .real(let probability) = row[0], case .real(let weight) = row[1], let text = row[2].textValue else { return nil }
        var fields = try JSONDecoder().decode([FieldComparison].self, from: Data(text.utf8))
        // Scored before `oppositeSex` existed (a scan by an earlier version): read it from the names,
        // so a family sharing one mailbox and phone is not marked auto-merge until the next scan.
        if let i = fields.firstIndex(where: { $0.field == .givenName && $0.level == .different && $0.oppositeSex == nil }) {
            let names = try tx.values("SELECT firstName FROM customer WHERE id IN (?, ?)", arguments: [.text(a.string), .text(b.string)])
                .compactMap { $0[0].textValue.flatMap(MatchKeys.givenName) }
            if names.count == 2, GivenNameSex.opposite(names[0], names[1]) { fields[i].oppositeSex = true }
        }
        return MatchScore(weight: weight, probability: probability, fields: fields)
    }

    /// Records that two customers are different people (replicated: no rooftop queues the pair again).
    /// - Parameters:
    ///   - first: one customer; `second` the other (either order).
    ///   - user: who decided (audit), `note` why; each up to 256 characters.
    /// - Returns: the decision row.
    ///   A pair dismissed already keeps its first decision (returned unchanged).
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` when either customer is not visible, `CONFLICT`
    ///   when they are one customer already; ``FieldInputError`` for an over-long text.
    public func dismissDuplicate(_ first: RowID, _ second: RowID, by user: String? = nil, note: String? = nil) throws -> StoredRow {
        try replica.transaction { tx in
            let x = try tx.visibleRow(CRMSchema.customer, id: first).id, y = try tx.visibleRow(CRMSchema.customer, id: second).id
            if x == y { throw ReplicaError(.conflict, "customers \(first) and \(second) are one customer (\(x)): nothing to dismiss") }
            let (a, b) = x.string < y.string ? (x, y) : (y, x)
            var values: [String: FieldValue] = ["customerA": .text(a.string), "customerB": .text(b.string), "dismissed": .integer(1)]
            for (name, text) in [("decidedBy", user), ("note", note)] {
                guard let text, !text.isEmpty else { continue }
                values[name] = try CRMSchema.duplicateDecision.field(name)!.type.storedValue(for: .string(text), at: "/\(name)")
            }
            let id = DerivedID.make("duplicateDecision", a, b)
            // Dismissed already: the first reviewer's decision and note stay (found in a user trial: a second
            // dismissal wrote over "sisters-in-law" with "again").
            if let existing = try tx.row(CRMSchema.duplicateDecision, id: id), existing.values["dismissed"]?.integerValue == 1 { return existing }
            let kind: LocalWrite.Kind = try tx.exists(CRMSchema.duplicateDecision, id: id) ? .update : .insert
            try tx.write([LocalWrite(kind, CRMSchema.duplicateDecision, id: id, values: values)])
            guard let row = try tx.row(CRMSchema.duplicateDecision, id: id) else { throw ReplicaError(.corrupt, "the decision could not be read back") }
            return row
        }
    }

    /// Confirms that two customers are one person: merges them (``mergeCustomer(_:into:by:reason:dryRun:)``,
    /// the survivor is the one created first), unless a reviewer dismissed the pair.
    /// - Parameters:
    ///   - user: who confirmed (audit); `note` why (the merge's reason, "confirmed duplicate" by default).
    ///   - overrideDismissal: merge even though a reviewer (here or at another rooftop) said they differ.
    /// - Throws: ``ReplicaError`` `CONFLICT` naming who dismissed the pair and why; as the merge.
    public func confirmDuplicate(_ first: RowID, _ second: RowID, by user: String? = nil, note: String? = nil,
                                 overrideDismissal: Bool = false) throws -> CustomerMergeResult {
        let dismissed = try dismissal(first, second)
        if !overrideDismissal, let dismissal = dismissed {
            let who = dismissal.values["decidedBy"]?.textValue.map { " by \($0)" } ?? ""
            let why = dismissal.values["note"]?.textValue.map { " (\"\($0)\")" } ?? ""
            throw ReplicaError(.conflict, "customers \(first) and \(second) were dismissed as different people\(who)\(why); "
                               + "confirm with overrideDismissal (CLI: --override-dismissal) to merge them anyway")
        }
        let result = try mergeCustomer(first, into: second, by: user, reason: note ?? "confirmed duplicate")
        // The pair's decision now reads as what happened: one person, confirmed over the dismissal.
        if let dismissal = dismissed {
            let earlier = (dismissal.values["decidedBy"]?.textValue.map { " by \($0)" } ?? "")
                + (dismissal.values["note"]?.textValue.map { " (\"\($0)\")" } ?? "")
            var values: [String: FieldValue] = ["dismissed": .integer(0),
                                                "note": .text(String(("confirmed over the dismissal\(earlier)" + (note.map { ": \($0)" } ?? "")).prefix(256)))]
            if let user, !user.isEmpty { values["decidedBy"] = .text(String(user.prefix(256))) }
            try replica.write([LocalWrite(.update, CRMSchema.duplicateDecision, id: dismissal.id, values: values)])
        }
        return result
    }

    /// The live dismissal of a pair (either order; ids resolved through merges), if any.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` when either customer is not visible.
    public func dismissal(_ first: RowID, _ second: RowID) throws -> StoredRow? {
        try replica.snapshot { tx in
            let x = try tx.visibleRow(CRMSchema.customer, id: first).id, y = try tx.visibleRow(CRMSchema.customer, id: second).id
            let (a, b) = x.string < y.string ? (x, y) : (y, x)
            guard let row = try tx.row(CRMSchema.duplicateDecision, id: DerivedID.make("duplicateDecision", a, b)),
                  row.values["dismissed"]?.integerValue == 1 else { return nil }
            return row
        }
    }

    /// Customers this input would duplicate: the existing customers of ``CheckCandidates`` (its e-mail,
    /// a phone, its name words with something beyond the name that could agree; a resembling name born
    /// the same day or at the same house number), scored with the replica's model; pairs at or above
    /// the review threshold, most probable first.
    /// Every lookup is an index lookup.
    /// - Throws: database errors.
    public func duplicatesOf(_ input: CustomerInput, excluding: RowID? = nil) throws -> [DuplicateMatch] {
        let model = try duplicateModel()
        return try replica.snapshot { tx in try Self.duplicates(of: input, excluding: excluding, model: model, tx) }
    }

    /// ``duplicatesOf(_:excluding:)`` inside a transaction (an import's batch: rows it wrote are
    /// candidates too), with a model from ``duplicateModel()`` taken before the transaction.
    public static func duplicates(of input: CustomerInput, excluding: RowID? = nil, model: MatchModel, _ tx: StoreTransaction) throws -> [DuplicateMatch] {
        try duplicates(of: matchInput(input, id: "00000000-0000-0000-0000-000000000000"), excluding: excluding?.string, model: model, tx)
    }

    /// The values of a customer being created that duplicate detection compares, under `id`.
    public static func matchInput(_ input: CustomerInput, id: String) -> MatchInput {
        var probe = MatchInput(id: id)
        probe.contactType = input.fields["contactType"]?.textValue
        probe.firstName = input.fields["firstName"]?.textValue
        probe.lastName = input.fields["lastName"]?.textValue
        probe.businessName = input.fields["businessName"]?.textValue
        probe.email = input.fields["email"]?.textValue
        probe.birthDate = input.fields["birthDate"]?.textValue
        probe.phones = (input.phones ?? []).compactMap { phone in phone.fields["number"]?.textValue.map { ($0, phone.fields["type"]?.textValue) } }
        probe.addresses = (input.addresses ?? []).map { ($0.fields["street"]?.textValue, $0.fields["city"]?.textValue, $0.fields["postalCode"]?.textValue) }
        return probe
    }

    /// ``duplicates(of:excluding:model:_:)`` for values already read as a ``MatchInput`` (a stored
    /// customer checked again, in ``evaluateCheckOnCreate(order:entityByCustomer:progress:)``).
    static func duplicates(of probe: MatchInput, excluding: String?, model: MatchModel, _ tx: StoreTransaction) throws -> [DuplicateMatch] {
        let record = MatchKeys.record(probe)
        var ids = try CheckCandidates.ids(for: record, probe, tx)
        if let excluding { ids.remove(excluding) }
        guard !ids.isEmpty else { return [] }
        let candidates = try matchRecords(tx, ids: ids.sorted(), vins: !record.vins.isEmpty)
        return candidates.compactMap { other in
            let score = model.score(record, other)
            guard score.probability >= DuplicateDetector.reviewProbability else { return nil }
            return DuplicateMatch(customerId: other.id, score: score)
        }.sorted { ($0.score.weight, $1.customerId) > ($1.score.weight, $0.customerId) }
    }

    /// The parameters the last estimating scan kept, if any.
    /// - Throws: database errors; a kept text that no longer decodes is ignored (the next scan estimates).
    public func keptModelParameters() throws -> MatchModel.Parameters? {
        let text = try replica.snapshot { try $0.strings("SELECT parameters FROM duplicateModel WHERE id = 1").first }
        return text.flatMap { try? JSONDecoder().decode(MatchModel.Parameters.self, from: Data($0.utf8)) }
    }

    /// The match model for checks on create and import (see ``model(for:)``).
    public func duplicateModel() throws -> MatchModel { try Self.model(for: self) }

    /// The match model of a replica for checks on create: estimated by the last scan, or from a
    /// sample of about 20,000 customers (``isSampled(_:step:)``; with the parameters the last scan
    /// kept, when they still fit), and kept while the customer count stays within 10%.
    static func model(for service: CRMService) throws -> MatchModel {
        // The count is checked at most once a minute (counting a million rows costs more than a check).
        let now = Date()
        if let cached = modelCache.withLock({ $0[service.replica.path] }), now.timeIntervalSince(cached.checked) < 60 { return cached.model }
        let count = try service.replica.customerCount()
        if let cached = modelCache.withLock({ $0[service.replica.path] }), abs(cached.customers - count) * 10 <= max(cached.customers, 100) {
            modelCache.withLock { $0[service.replica.path]?.checked = now }
            return cached.model
        }
        let sample = try service.matchRecords(ids: service.sampledCustomerIDs(step: max(1, count / 20_000))).sorted { $0.id < $1.id }
        let kept = try service.keptModelParameters().flatMap { $0.fits(population: count) ? $0 : nil }
        let model = MatchModel.estimate(records: sample, population: count, pairs: kept == nil ? Blocking.candidatePairs(sample) : [], kept: kept)
        cacheModel(model, for: service.replica, customers: count)
        return model
    }

    static func cacheModel(_ model: MatchModel, for replica: Replica, customers: Int) {
        modelCache.withLock { $0[replica.path] = (customers, model, Date()) }
    }

    private static let modelCache = Mutex<[String: (customers: Int, model: MatchModel, checked: Date)]>([:])
}
