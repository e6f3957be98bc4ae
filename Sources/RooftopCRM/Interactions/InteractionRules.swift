import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `CustomerInteraction`: `interactionDate` defaults to now.
struct InteractionRules: EntityRules {
    var entity: EntitySchema { CRMSchema.customerInteraction }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if (fields["interactionDate"] ?? .null).isNull { fields["interactionDate"] = Rules.now(tx) }
        return []
    }
}
