public import ArgumentParser
public import Homeward

// Contract enumerations as command-line values (their raw values are the contract's names).
extension CaseStatus: ExpressibleByArgument {}
extension DeadlineRule: ExpressibleByArgument {}
extension Program: ExpressibleByArgument {}
extension EntitlementStatus: ExpressibleByArgument {}
