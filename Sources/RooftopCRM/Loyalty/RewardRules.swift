import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A loyalty reward: `active` defaults to true.
struct RewardRules: EntityRules {
    var entity: EntitySchema { CRMSchema.loyaltyReward }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if (fields["active"] ?? .null).isNull { fields["active"] = .integer(1) }
        return []
    }
}
