using Microsoft.Extensions.Options;

namespace Switchback.Control.Alerts;

/// <summary>Runs <see cref="AlertOptions.Validate"/> for the options system, so that bad settings stop start-up.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
