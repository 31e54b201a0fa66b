using System.Reflection;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.Shared.Messaging;

/// <summary>
/// MediatR 5.1.0 has no DI package here (STACK.md), so handlers, validators and behaviours are
/// registered by one scan over the host's and the modules' assemblies.
/// </summary>
public static class MediatorRegistration
{
    private static readonly Type[] HandlerInterfaces =
    [
        typeof(IRequestHandler<,>), typeof(INotificationHandler<>), typeof(IValidator<>),
    ];

    /// <summary>
    /// Registers <see cref="IMediator"/>, every concrete request/notification handler and FluentValidation
    /// validator found in <paramref name="assemblies"/> (scoped), and the suite's pipeline behaviours,
    /// outermost first: logging, authorization, validation.
    /// </summary>
    public static IServiceCollection AddIntranetMediator(this IServiceCollection services, IEnumerable<Assembly> assemblies)
    {
        services.AddScoped<ServiceFactory>(p => p.GetService!);
        services.AddScoped<IMediator, Mediator>();
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(AuthorizationBehavior<,>));
        services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        foreach (var type in assemblies.Distinct().SelectMany(SafeTypes))
        {
            if (type is not { IsClass: true, IsAbstract: false } || type.IsGenericTypeDefinition) continue;
            foreach (var itf in type.GetInterfaces().Where(i => i.IsGenericType))
            {
                if (HandlerInterfaces.Contains(itf.GetGenericTypeDefinition()))
                    services.AddScoped(itf, type);
            }
        }
        return services;
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }
}
