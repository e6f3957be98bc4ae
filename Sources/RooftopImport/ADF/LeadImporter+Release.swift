import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore

extension LeadImporter {
    /// Releases a quarantined lead (`sync-protocol/lead-intake.md#releasing-a-quarantined-lead`): its
    /// stored XML is read again with the values staff give (a name, an e-mail, a phone) and imported
    /// as any lead is — customer (or the confident duplicate), interaction, vehicles and an `Imported`
    /// lead record with the quarantined one's arrival time and channel, so the response clock keeps
    /// running from the lead's arrival — and the quarantined record is deleted, in one transaction.
    /// - Returns: the imported lead (outcome `Imported`, or `AlreadyImported` when the same lead came
    ///   in meanwhile).
    /// - Throws: ``ReplicaError`` `NOT_FOUND` (no such lead), `GONE` (released or deleted already), `CONFLICT` (the lead is not
    ///   quarantined), `INVALID` (still without a name or a usable e-mail or phone: the message says
    ///   which; or the stored XML cannot be read again); nothing is written then.
    public static func release(lead id: RowID, amend: ADFContactAmendment, in replica: Replica) throws -> ImportedLead {
        let model = try CRMService(replica: replica).duplicateModel()
        return try replica.transaction { tx in
            guard let row = try tx.row(CRMSchema.lead, id: id) else {
                if try tx.isKnown(CRMSchema.lead, id: id) {
                    throw ReplicaError(.gone, "lead \(id) is no longer quarantined: it was released (rooftop leads, or GET /api/crm/leads, lists the imported lead) or deleted")
                }
                throw ReplicaError(.notFound, "no lead with id \(id)")
            }
            guard row["status"].textValue == "Quarantined" else {
                throw ReplicaError(.conflict, "lead \(id) is \(row["status"].textValue ?? "not quarantined"), not quarantined: nothing to release")
            }
            let outcome: ADFParser.Outcome
            do { outcome = try ADFParser.prospect(fromStoredXML: row["raw"].textValue ?? "", amend: amend) } catch {
                throw ReplicaError(.invalid, "the lead's stored XML cannot be read again (\(error)); import the provider's document again instead")
            }
            let lead: ADFLead
            switch outcome {
            case .lead(let read): lead = read
            case .quarantined(let still):
                throw ReplicaError(.invalid, "still \(still.reason): give a name (firstName, lastName or businessName) and an e-mail or phone")
            }
            let receivedAt = row["receivedAt"].textValue ?? Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds())
            var run = Run(model: model, receivedAt: receivedAt, via: Channel(rawValue: row["receivedVia"].textValue ?? "") ?? .cli)
            try run.add(lead, tx)
            _ = try tx.delete(CRMSchema.lead, id: id)
            guard let imported = run.outcomes.last else { throw ReplicaError(.invalid, "the lead was not imported") }
            return imported
        }
    }
}
