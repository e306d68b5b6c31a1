using System.Text.Json.Serialization;

namespace Switchback.Core.Rollouts;

/// <summary>Something the controller must do after persisting the new state.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SetRoutingAction), "set_routing")]
[JsonDerivedType(typeof(RollbackAction), "rollback")]
[JsonDerivedType(typeof(PromoteAction), "promote")]
[JsonDerivedType(typeof(AlertAction), "alert")]
[JsonDerivedType(typeof(RunGateAction), "run_gate")]
public abstract record RolloutAction;
