using Intranet.Modules.PlanKpi.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Validates a plan file and imports it in one transaction (<see cref="PlanImporter"/>).
/// Errors: <see cref="PlanFileException"/> listing every problem with its JSON path; nothing is written.
/// </summary>
/// <param name="FileName">Shown in error messages.</param>
/// <param name="Content">The JSON (UTF-8).</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record ImportPlan(string FileName, Stream Content) : IRequest<PlanImportResult>;

internal sealed class ImportPlanHandler(PlanImporter importer) : IRequestHandler<ImportPlan, PlanImportResult>
{
    public Task<PlanImportResult> Handle(ImportPlan request, CancellationToken ct)
    {
        var file = PlanFileValidator.Parse(request.Content, request.FileName);
        return importer.ImportAsync(file, request.FileName, ct);
    }
}
