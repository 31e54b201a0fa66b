using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;

namespace Intranet.Host.Identity;

/// <summary>
/// Every user with roles, department, state and last sign-in (administrators only), ordered by e-mail. With
/// <paramref name="Search"/>, only users whose e-mail, display name, department or role name (identifier or Japanese
/// label) contains it, ignoring case.
/// </summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record ListUsers(string? Search = null) : IRequest<IReadOnlyList<UserSummary>>;

/// <summary>
/// What the user form offers: the departments to choose from (the lead departments (主管課) of every plan project,
/// plus departments already given to users, sorted, without duplicates) and the roles with their Japanese labels.
/// </summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record GetUserFormOptions : IRequest<UserFormOptions>;

/// <summary>Choices of the user form.</summary>
/// <param name="Departments">Department names, e.g. 「広報広聴課」.</param>
/// <param name="Roles">Role identifier and Japanese label, in <see cref="Shared.Security.Roles.All"/> order.</param>
/// <param name="RolesNeedingDepartment">Roles whose holders must have a department.</param>
public sealed record UserFormOptions(IReadOnlyList<string> Departments, IReadOnlyList<KeyValuePair<string, string>> Roles,
    IReadOnlyList<string> RolesNeedingDepartment);

/// <summary>
/// Changes a user's roles, department and display name. Null keeps the current value (the command line's
/// <c>set-user</c> changes only what it is given); an empty department or name clears it.
/// Errors: <see cref="RequestValidationException"/> naming Roles or Department (e.g. a 主管課 without department),
/// <see cref="NotFoundException"/> for an unknown e-mail.
/// </summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record SaveUser(string Email, IReadOnlyList<string>? Roles, string? Department, string? DisplayName) : IRequest<UserSummary>;

/// <summary>
/// Creates a user with a random initial password (returned once; the user must change it at first sign-in).
/// Errors: <see cref="RequestValidationException"/> naming Email, Roles or Department.
/// </summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record CreateUser(string Email, string? DisplayName, IReadOnlyList<string> Roles, string? Department) : IRequest<CreatedUser>;

/// <summary>The created user and the initial password to hand over (shown once, never stored in clear).</summary>
public sealed record CreatedUser(UserSummary User, string Password);

/// <summary>Disables a user (cannot sign in; sessions end at the next check). Errors: oneself, the last administrator, unknown e-mail.</summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record DisableUser(string Email) : IRequest<UserSummary>;

/// <summary>Enables a disabled (or locked-out) user again. Errors: unknown e-mail.</summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record EnableUser(string Email) : IRequest<UserSummary>;

/// <summary>Gives a user a new random password, returned once; the user must change it at the next sign-in. Errors: unknown e-mail.</summary>
[RequiresRole(Intranet.Shared.Security.Roles.Administrator)]
public sealed record ResetUserPassword(string Email) : IRequest<string>;

/// <summary>Handlers of the user administration use cases: thin wrappers over <see cref="UserAdministration"/>.</summary>
public sealed class UserUseCaseHandlers(UserAdministration administration, IMediator mediator) :
    IRequestHandler<ListUsers, IReadOnlyList<UserSummary>>,
    IRequestHandler<GetUserFormOptions, UserFormOptions>,
    IRequestHandler<SaveUser, UserSummary>,
    IRequestHandler<CreateUser, CreatedUser>,
    IRequestHandler<DisableUser, UserSummary>,
    IRequestHandler<EnableUser, UserSummary>,
    IRequestHandler<ResetUserPassword, string>
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<UserSummary>> Handle(ListUsers request, CancellationToken cancellationToken)
    {
        var all = await administration.ListAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(request.Search)) return all;
        var q = request.Search.Trim();
        bool Has(string? text) => text?.Contains(q, StringComparison.OrdinalIgnoreCase) == true;
        return all.Where(u => Has(u.Email) || Has(u.DisplayName) || Has(u.Department)
                              || u.Roles.Any(r => Has(r) || Has(Roles.Labels.GetValueOrDefault(r)))).ToList();
    }

    /// <inheritdoc />
    public async Task<UserFormOptions> Handle(GetUserFormOptions request, CancellationToken cancellationToken)
    {
        var projects = await mediator.Send(new ListPlanProjects(), cancellationToken);
        var users = await administration.ListAsync(cancellationToken);
        var departments = projects.SelectMany(p => p.LeadDepartments)
            .Concat(users.Select(u => u.Department).OfType<string>())
            .Select(d => d.Trim()).Where(d => d.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new UserFormOptions(departments, Roles.All.Select(r => KeyValuePair.Create(r, Roles.Labels[r])).ToList(),
            UserAdministration.RolesNeedingDepartment);
    }

    /// <inheritdoc />
    public Task<UserSummary> Handle(SaveUser request, CancellationToken cancellationToken) =>
        Validated(() => administration.UpdateAsync(request.Email, request.Roles, request.Department, request.DisplayName));

    /// <inheritdoc />
    public Task<CreatedUser> Handle(CreateUser request, CancellationToken cancellationToken) => Validated(async () =>
    {
        var password = UserAdministration.GeneratePassword();
        await administration.CreateUserAsync(request.Email, password, request.Roles, request.Department, request.DisplayName,
            mustChangePassword: true);
        return new CreatedUser(await administration.GetAsync(request.Email), password);
    });

    /// <inheritdoc />
    public Task<UserSummary> Handle(DisableUser request, CancellationToken cancellationToken) =>
        Validated(() => administration.DisableAsync(request.Email));

    /// <inheritdoc />
    public Task<UserSummary> Handle(EnableUser request, CancellationToken cancellationToken) =>
        Validated(() => administration.EnableAsync(request.Email));

    /// <inheritdoc />
    public Task<string> Handle(ResetUserPassword request, CancellationToken cancellationToken) =>
        Validated(() => administration.ResetPasswordAsync(request.Email));

    /// <summary>Turns <see cref="UserAdministrationException"/> into the use cases' <see cref="RequestValidationException"/>
    /// (field Role becomes Roles, the request's property).</summary>
    private static async Task<T> Validated<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (UserAdministrationException e)
        {
            throw new RequestValidationException(e.Field == "Role" ? "Roles" : e.Field, e.Message);
        }
    }
}
