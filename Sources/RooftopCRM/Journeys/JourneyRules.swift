import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `CustomerJourney`: one per customer (its id derived from the customer's); every stage change
/// also writes a ``CRMSchema/journeyStageEvent``, and `stageHistory` lists them in HLC order.
struct JourneyRules: EntityRules {
    var entity: EntitySchema { CRMSchema.customerJourney }
    var derivedKeys: Set<String> { ["stageHistory"] }

    func id(for fields: [String: FieldValue]) -> RowID? {
        fields["customerId"]?.textValue.flatMap(RowID.init).map { DerivedID.journey(customer: $0) }
    }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if try tx.exists(entity, id: id) {
            throw ReplicaError(.alreadyExists, "customer \(fields["customerId"]?.textValue ?? "") already has a journey (\(id)): update it")
        }
        let now = Rules.now(tx)
        if (fields["journeyStartDate"] ?? .null).isNull { fields["journeyStartDate"] = now }
        fields["lastActivityDate"] = now
        return [stageEvent(journey: id, customer: fields["customerId"] ?? .null, fields, tx)]
    }

    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] {
        changes["lastActivityDate"] = Rules.now(tx)
        guard changes["stage"] != nil || changes["substage"] != nil || changes["currentMilestone"] != nil else { return [] }
        var merged = current.values
        for (key, value) in changes { merged[key] = value }
        return [stageEvent(journey: current.id, customer: current["customerId"], merged, tx)]
    }

    func stageEvent(journey: RowID, customer: FieldValue, _ fields: [String: FieldValue], _ tx: StoreTransaction) -> LocalWrite {
        LocalWrite(.insert, CRMSchema.journeyStageEvent, id: tx.replica.newRowID(), values: [
            "customerId": customer, "journeyId": .text(journey.string), "stage": fields["stage"] ?? .null,
            "substage": fields["substage"] ?? .null, "milestone": fields["currentMilestone"] ?? .null,
            "userId": fields["assignedToId"] ?? .null,
        ])
    }

    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws {
        let events = try tx.rows(CRMSchema.journeyStageEvent, where: "journeyId = ?", arguments: [.text(row.id.string)])
            .sorted { ($0.created.map { ($0.hlc, $0.origin.rawValue) } ?? (.zero, "")) < ($1.created.map { ($0.hlc, $0.origin.rawValue) } ?? (.zero, "")) }
        json["stageHistory"] = .array(events.map { event in
            .object(["stage": event.entity.field("stage")!.type.jsonValue(for: event["stage"]),
                     "substage": event["substage"].textValue.map(JSONValue.string) ?? .null,
                     "milestone": event["milestone"].textValue.map(JSONValue.string) ?? .null,
                     "userId": event["userId"].textValue.map(JSONValue.string) ?? .null,
                     "at": event["createdAt"].textValue.map(JSONValue.string) ?? .null,
                     "rooftop": event.created.map { .string($0.origin.rawValue) } ?? .null])
        })
    }
}

extension CRMService {
    /// The customer's journey: stage, substage, milestones, next scheduled activity and the stage history.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` for the customer; `NOT_FOUND` when the customer has no journey yet.
    public func journey(customer: RowID) throws -> EntityDocument {
        try replica.snapshot { tx in
            // An absorbed id stands for its survivor; a merged customer may hold its duplicates' journeys too
            // (`sync-protocol/customer-merge.md`): its own first, else the most recently active.
            let survivor = try tx.visibleRow(CRMSchema.customer, id: customer).id
            let own = try tx.row(CRMSchema.customerJourney, id: DerivedID.journey(customer: survivor))
            guard let row = try own ?? tx.rows(CRMSchema.customerJourney, where: "customerId = ?", arguments: [.text(survivor.string)],
                                               orderBy: "lastActivityDate DESC, id", limit: 1).first else {
                throw ReplicaError(.notFound, "customer \(customer) has no journey yet: POST /api/crm/journeys starts one")
            }
            return try Self.document(row, tx)
        }
    }
}
