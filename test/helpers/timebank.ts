/** TimeBank's enum values, as the ABI encodes them. */
export const Category = { MealDelivery: 0n, Companionship: 1n, Cleaning: 2n, HospitalEscort: 3n, Tutoring: 4n, Other: 5n } as const;
export const ServiceStatus = { None: 0n, Pending: 1n, Confirmed: 2n, Rejected: 3n } as const;
export const Relation = { None: 0n, Parent: 1n, Spouse: 2n, Child: 3n } as const;
export const RedemptionKind = { Service: 0n, Goods: 1n } as const;
